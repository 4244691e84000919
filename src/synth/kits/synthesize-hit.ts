/**
 * Physical-ish synthesis of one snare stroke (one velocity layer, one round-robin variant).
 *
 * Sum of: batter-head membrane modes (Bessel-zero ratios, weighted by strike position, each with
 * its own decay, pitch gliding down after hard hits), the resonant head, shell/body modes, the
 * stick's contact click and resonance, and snare-wire noise (band-passed, delayed, rattling at the
 * resonant head's frequency). The stick's contact time, shorter for harder strokes, low-passes
 * the head excitation, so timbre follows velocity and not just level.
 * Pure arithmetic plus det-math: identical bits in every engine.
 */
import type { Rng } from '../../random/index.js';
import { detCos, detExp, detLn, detPow, detSin } from '../../math/det.js';
import { headFundamentalHz } from './definitions.js';
import type { BodyParams, HeadParams, KitDefinition, StickParams, WireParams } from './definitions.js';

/**
 * Circular-membrane modes: [m, n, j_mn] with j_mn the n-th zero of J_m, for ratios j_mn/j_01 up to
 * 12 (values from scipy.special.jn_zeros, 4 decimals).
 */
const MEMBRANE_MODES: readonly (readonly [number, number, number])[] = [
  [0, 1, 2.4048], [1, 1, 3.8317], [2, 1, 5.1356], [0, 2, 5.5201], [3, 1, 6.3802], [1, 2, 7.0156],
  [4, 1, 7.5883], [2, 2, 8.4172], [0, 3, 8.6537], [5, 1, 8.7715], [3, 2, 9.761], [6, 1, 9.9361],
  [1, 3, 10.1735], [4, 2, 11.0647], [7, 1, 11.0864], [2, 3, 11.6198], [0, 4, 11.7915], [8, 1, 12.2251],
  [5, 2, 12.3386], [3, 3, 13.0152], [1, 4, 13.3237], [9, 1, 13.3543], [6, 2, 13.5893], [4, 3, 14.3725],
  [10, 1, 14.4755], [2, 4, 14.796], [7, 2, 14.8213], [0, 5, 14.9309], [11, 1, 15.5898], [5, 3, 15.7002],
  [8, 2, 16.0378], [3, 4, 16.2235], [1, 5, 16.4706], [12, 1, 16.6982], [6, 3, 17.0038], [9, 2, 17.2412],
  [4, 4, 17.616], [13, 1, 17.8014], [2, 5, 17.9598], [0, 6, 18.0711], [7, 3, 18.2876], [10, 2, 18.4335],
  [14, 1, 18.9], [5, 4, 18.9801], [3, 5, 19.4094], [8, 3, 19.5545], [1, 6, 19.6159], [11, 2, 19.616],
  [15, 1, 19.9944], [6, 4, 20.3208], [12, 2, 20.7899], [9, 3, 20.807], [4, 5, 20.8269], [16, 1, 21.0851],
  [2, 6, 21.117], [0, 7, 21.2116], [7, 4, 21.6415], [13, 2, 21.9562], [10, 3, 22.047], [17, 1, 22.1725],
  [5, 5, 22.2178], [3, 6, 22.5827], [1, 7, 22.7601], [8, 4, 22.9452], [14, 2, 23.1158], [18, 1, 23.2568],
  [11, 3, 23.2759], [6, 5, 23.5861], [4, 6, 24.019], [9, 4, 24.2339], [15, 2, 24.2692], [2, 7, 24.2701],
  [19, 1, 24.3382], [0, 8, 24.3525], [12, 3, 24.4949], [7, 5, 24.9349], [16, 2, 25.417], [5, 6, 25.4303],
  [10, 4, 25.5095], [13, 3, 25.7051], [3, 7, 25.7482], [1, 8, 25.9037], [8, 5, 26.2668], [17, 2, 26.5598],
  [11, 4, 26.7733], [6, 6, 26.8202], [14, 3, 26.9074], [4, 7, 27.1991], [2, 8, 27.4206], [9, 5, 27.5837],
  [18, 2, 27.6979], [12, 4, 28.0267], [15, 3, 28.1024], [7, 6, 28.1912], [5, 7, 28.6266], [19, 2, 28.8317],
];
const J01 = 2.4048;
const LN1000 = 6.907755278982137; // T60 -> decay rate: amplitude falls by 1000 in T60
const TWO_PI = 2 * Math.PI;
/** Oscillator frequency and decay are refreshed every this many samples (glide is slow). */
const BLOCK = 32;

/** Bessel function of the first kind J_m(x) by its power series (fine for |x| < 30). */
export function besselJ(m: number, x: number): number {
  const h = x / 2;
  let term = 1;
  for (let k = 1; k <= m; k++) term *= h / k;
  let sum = term;
  const h2 = h * h;
  for (let k = 1; k < 200; k++) {
    term *= -h2 / (k * (k + m));
    sum += term;
    if (k > h && Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return sum;
}

/** Magnitude response of the stick's contact (a smooth -12 dB/oct low-pass at 1/(2·contact)). */
function contactGain(freqHz: number, contactMs: number): number {
  const x = 2 * freqHz * contactMs * 1e-3;
  return 1 / Math.sqrt(1 + x * x * x * x);
}

/**
 * Adds a damped sinusoid `amp · e^{-t/τ} · sin(φ(t))` starting at sample `start`, with the
 * frequency gliding from freq·(1+glide) down to freq with time constant glideMs.
 * A complex rotation per sample (exact IEEE arithmetic), its coefficient refreshed per block.
 */
function addMode(
  out: Float64Array,
  sampleRateHz: number,
  start: number,
  freqHz: number,
  amp: number,
  t60Ms: number,
  glide: number,
  glideMs: number,
): void {
  if (amp === 0 || freqHz >= 0.45 * sampleRateHz) return;
  const decay = detExp(-LN1000 / ((t60Ms / 1000) * sampleRateHz));
  // Stop at -120 dB (two T60s).
  const end = Math.min(out.length, start + Math.ceil((2 * t60Ms * sampleRateHz) / 1000));
  let re = amp;
  let im = 0;
  for (let b = start; b < end; b += BLOCK) {
    const tMs = ((b - start + BLOCK / 2) / sampleRateHz) * 1000;
    const f = glide === 0 ? freqHz : freqHz * (1 + glide * detExp(-tMs / glideMs));
    const w = (TWO_PI * f) / sampleRateHz;
    const wr = detCos(w) * decay;
    const wi = detSin(w) * decay;
    const blockEnd = Math.min(end, b + BLOCK);
    for (let i = b; i < blockEnd; i++) {
      out[i]! += im;
      const nr = re * wr - im * wi;
      im = re * wi + im * wr;
      re = nr;
    }
  }
}

/** RBJ-cookbook 2nd-order low- or high-pass, applied in place (transposed direct form II). */
function biquad(x: Float64Array, kind: 'lowpass' | 'highpass', cornerHz: number, sampleRateHz: number, q = Math.SQRT1_2): void {
  const fc = Math.min(cornerHz, 0.45 * sampleRateHz);
  const w0 = (TWO_PI * fc) / sampleRateHz;
  const cw = detCos(w0);
  const alpha = detSin(w0) / (2 * q);
  const a0 = 1 + alpha;
  const b0 = (kind === 'lowpass' ? (1 - cw) / 2 : (1 + cw) / 2) / a0;
  const b1 = (kind === 'lowpass' ? 1 - cw : -(1 + cw)) / a0;
  const b2 = b0;
  const a1 = (-2 * cw) / a0;
  const a2 = (1 - alpha) / a0;
  let z1 = 0;
  let z2 = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const y = b0 * xi + z1;
    z1 = b1 * xi - a1 * y + z2;
    z2 = b2 * xi - a2 * y;
    x[i] = y;
  }
}

/** Uniform white noise in [-1, 1). */
function whiteNoise(n: number, rng: Rng): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = 2 * rng.float() - 1;
  return x;
}

/** What one synthesised stroke is made of (for tests and tuning). */
export interface HitDraws {
  /** Stick contact time, ms. */
  contactMs: number;
  /** Strike position, fraction of the radius (0 when the kit has no head). */
  strikeRadius: number;
  /** Batter-head fundamental at rest, Hz (0 when the kit has no head). */
  fundamentalHz: number;
}

/**
 * One stroke at drive `drive` = recordedVelocity/127 (0..1], unnormalised, `lengthSamples` long,
 * starting at its onset (no leading silence). All draws come from `rng`.
 */
export function synthesizeHit(
  kit: KitDefinition,
  drive: number,
  rng: Rng,
  sampleRateHz: number,
  lengthSamples: number,
): { audio: Float64Array; draws: HitDraws } {
  const out = new Float64Array(lengthSamples);
  const stick = kit.stick;
  // Harder strokes: shorter contact (the stick rebounds faster off a stiffer, more deflected head).
  const contactMs =
    (stick.contactSoftMs + (stick.contactHardMs - stick.contactSoftMs) * detPow(drive, 0.8)) * (1 + 0.06 * rng.standardNormal());
  const draws: HitDraws = { contactMs, strikeRadius: 0, fundamentalHz: 0 };

  let rattleHz = 0;
  if (kit.head !== null) {
    const f0 = headFundamentalHz(kit.head);
    draws.fundamentalHz = f0;
    draws.strikeRadius = rng.uniform(kit.head.strikeRadius[0], kit.head.strikeRadius[1]);
    addHead(out, kit.head, f0, draws.strikeRadius, drive, contactMs, rng, sampleRateHz);
    rattleHz = f0;
    if (kit.resonantHead !== null) {
      const fr = f0 * kit.resonantHead.ratio * (1 + 0.005 * rng.standardNormal());
      rattleHz = fr;
      // The resonant head is driven through the air column: its lowest few modes only, and a
      // little later than the batter head (sound crosses the shell depth in ~0.5 ms).
      const delay = Math.round(0.0005 * sampleRateHz);
      const resoModes = MEMBRANE_MODES.slice(0, 4);
      for (const [m, , j] of resoModes) {
        const ratio = j / J01;
        const amp = (kit.resonantHead.level / (1 + m)) * detPow(ratio, -1.2) * (1 + 0.1 * rng.standardNormal());
        addMode(out, sampleRateHz, delay, fr * ratio, amp, kit.resonantHead.t60Ms * detPow(ratio, -0.8), 0, 1);
      }
    }
  }
  addBody(out, kit.shell, rng, sampleRateHz, drive);
  addStick(out, stick, drive, contactMs, rng, sampleRateHz);
  if (kit.wires !== null) addWires(out, kit.wires, drive, rattleHz, rng, sampleRateHz);
  return { audio: out, draws };
}

function addHead(
  out: Float64Array,
  head: HeadParams,
  f0: number,
  strikeRadius: number,
  drive: number,
  contactMs: number,
  rng: Rng,
  sampleRateHz: number,
): void {
  const glide = (head.pitchGlidePct / 100) * drive * drive; // tension modulation grows with amplitude²
  for (const [m, , j] of MEMBRANE_MODES) {
    const ratio = j / J01;
    if (ratio > head.maxModeRatio) break;
    const freq = f0 * ratio * (1 + (head.detunePct / 100) * rng.standardNormal());
    // Point excitation of the normalised mode shape; modes with m >= 1 radiate less (dipoles,
    // quadrupoles...) and their azimuthal phase at the listener is random, hence the sign.
    const shape = besselJ(m, j * strikeRadius) / Math.abs(besselJ(m + 1, j));
    const sign = m === 0 || rng.bernoulli(0.5) ? 1 : -1;
    const amp =
      (head.level * sign * shape * contactGain(freq, contactMs) * detPow(ratio, -head.tilt)) / (1 + 0.5 * m);
    addMode(out, sampleRateHz, 0, freq, amp, head.t60Ms * detPow(ratio, -head.dampingExponent), glide, head.glideMs);
  }
}

function addBody(out: Float64Array, body: BodyParams, rng: Rng, sampleRateHz: number, drive: number): void {
  if (body.level === 0) return;
  const f0 = body.modesHz[0] ?? 1;
  body.modesHz.forEach((hz, k) => {
    const freq = hz * (1 + 0.02 * (2 * rng.float() - 1));
    // Harder strokes excite the upper body modes relatively more.
    const amp = (body.level / (1 + k / 2)) * detPow(drive, 0.3 * k) * (1 + 0.1 * rng.standardNormal());
    addMode(out, sampleRateHz, 0, freq, amp, body.t60Ms * Math.sqrt(f0 / freq), 0, 1);
  });
}

function addStick(out: Float64Array, stick: StickParams, drive: number, contactMs: number, rng: Rng, sampleRateHz: number): void {
  const n = Math.min(out.length, Math.ceil((stick.clickMs * 12 * sampleRateHz) / 1000));
  const click = whiteNoise(n, rng);
  const k = detExp(-1000 / (stick.clickMs * sampleRateHz));
  // Rise over the contact time, then decay: a hard, short contact gives a sharp broadband click.
  const rise = Math.max(1, Math.round((contactMs / 1000) * sampleRateHz * 0.5));
  let env = 1;
  for (let i = 0; i < n; i++) {
    const r = i < rise ? (i + 1) / rise : 1;
    click[i] = click[i]! * env * r;
    env *= k;
  }
  const corner = stick.clickSoftHz + (stick.clickHardHz - stick.clickSoftHz) * drive;
  biquad(click, 'highpass', 300, sampleRateHz);
  biquad(click, 'lowpass', corner, sampleRateHz);
  biquad(click, 'lowpass', corner, sampleRateHz);
  const clickLevel = stick.clickLevel * Math.sqrt(drive) * (1 + 0.1 * rng.standardNormal());
  for (let i = 0; i < n; i++) out[i]! += clickLevel * click[i]!;
  const tockFreq = stick.tockHz * (1 + 0.02 * rng.standardNormal());
  addMode(out, sampleRateHz, 0, tockFreq, stick.tockLevel * contactGain(tockFreq, contactMs * 0.5), stick.tockT60Ms, 0, 1);
}

function addWires(out: Float64Array, wires: WireParams, drive: number, rattleHz: number, rng: Rng, sampleRateHz: number): void {
  const n = out.length;
  const noise = whiteNoise(n, rng);
  const high = wires.highHz * (0.65 + 0.35 * drive);
  biquad(noise, 'highpass', wires.lowHz, sampleRateHz);
  biquad(noise, 'highpass', wires.lowHz, sampleRateHz);
  biquad(noise, 'lowpass', high, sampleRateHz);
  biquad(noise, 'lowpass', high, sampleRateHz);
  // Louder strokes throw the resonant head further and more wires leave it: wire level relative
  // to the head grows as drive^(exponent-1).
  const level = wires.level * detPow(drive, wires.velocityExponent - 1) * (1 + 0.08 * rng.standardNormal());
  const delay = Math.round(((wires.delayMs * (1 + 0.15 * rng.standardNormal())) / 1000) * sampleRateHz);
  const decay = detExp(-LN1000 / ((wires.t60Ms / 1000) * sampleRateHz));
  const burstDecay = detExp(-1000 / (wires.burstMs * sampleRateHz));
  const attack = detExp(-1000 / (wires.attackMs * sampleRateHz));
  // Rattle: |cos| of half the resonant-head frequency, i.e. one burst per head cycle, phased so
  // that the first slap of the wires falls on the envelope's peak (it is the hardest one).
  const w = (Math.PI * rattleHz) / sampleRateHz;
  const cr = detCos(w);
  const ci = detSin(w);
  const peakMs = wires.attackMs * detLn(1 + wires.burstMs / wires.attackMs);
  const phase0 = (w * peakMs * sampleRateHz) / 1000;
  let re = detCos(phase0);
  let im = -detSin(phase0);
  // Burst plus buzz, both starting at full height: the envelope peaks within about two attack
  // time constants and then only falls, so a stroke 15 ms later brings an attack of its own.
  let buzz = 1 - wires.burstShare;
  let burst = wires.burstShare;
  let rise = 1;
  for (let i = Math.max(0, delay); i < n; i++) {
    const mod = 1 - wires.rattle + wires.rattle * Math.abs(re);
    out[i]! += level * noise[i]! * (burst + buzz) * (1 - rise) * mod;
    buzz *= decay;
    burst *= burstDecay;
    rise *= attack;
    const nr = re * cr - im * ci;
    im = re * ci + im * cr;
    re = nr;
  }
}
