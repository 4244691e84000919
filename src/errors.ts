/**
 * Errors. One base class with a stable machine-readable `code`; subclasses by domain.
 * Messages say what was expected, what came, and where (file, field, sample id).
 */

export class SousaError extends Error {
  /** Stable identifier, e.g. `RUDIMENT_INVALID`. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A rudiment definition (built-in or user file) failed to parse or validate. */
export class RudimentError extends SousaError {}
/** A player-profile request or record is invalid. */
export class ProfileError extends SousaError {}
/** Generation options or the output directory are not usable. */
export class ConfigError extends SousaError {}
/** Writing or reading dataset files failed. */
export class DatasetError extends SousaError {}
/** A soundfont is unreadable or unusable, or a render produced bad audio. */
export class SynthError extends SousaError {}
/** Audio encoding or decoding failed. */
export class AudioCodecError extends SousaError {}
/** An augmentation kernel or preset received bad input. */
export class AugmentError extends SousaError {}
/** A WebAssembly module could not be loaded. */
export class WasmError extends SousaError {}
/** Validation of a generated dataset failed to run (not: found problems). */
export class ValidationError extends SousaError {}
/** Talking to the Hugging Face Hub failed. */
export class HubError extends SousaError {}
