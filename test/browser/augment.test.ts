/**
 * The augmentation chain in Chromium gives the same bytes as in Node and Deno: every preset on the
 * identity signal, hashed, against the pinned hash that test/augment.test.ts checks on the Node
 * side. Runs on the page's main thread: the kernels are synchronous wasm calls on short blocks.
 */
import { describe, expect, it } from 'vitest';
import { AUGMENT_IDENTITY_SHA256, augmentIdentityDigest } from '../helpers/augment-identity.js';

describe('augmentation in Chromium', () => {
  it('augments the identity signal with every preset to the pinned SHA-256', async () => {
    const { sha256, perPreset } = await augmentIdentityDigest();
    expect(Object.keys(perPreset)).toHaveLength(11);
    expect(sha256).toBe(AUGMENT_IDENTITY_SHA256);
  });
});
