// The capture code of recorder-worklet.js (MpResampler, MpCapture) under node's test runner: exact
// numbers for every rate a browser may run at, which the browser tests can only sample.
//   node --test tests/browser/resampler.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import vm from 'node:vm';

const file = path.join(path.dirname(new URL(import.meta.url).pathname), '../../mockprep/ui/static/recorder-worklet.js');
const scope = {console, Math, Float32Array, Int16Array, Array};
scope.globalThis = scope;
vm.runInNewContext(fs.readFileSync(file, 'utf8'), scope);
const {MpResampler, MpCapture} = scope;

const RATES = [8000, 11025, 16000, 22050, 24000, 32000, 44056, 44100, 48000, 88200, 96000];

function tone(rate, f, seconds, amp = 0.5, phase = 0) {
  const x = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < x.length; i++) x[i] = amp * Math.sin(2 * Math.PI * f * i / rate + phase);
  return x;
}

// Resample x in pieces of `chunk`, checking the offsets are contiguous.
function resample(rate, x, chunk = 128) {
  const rs = new MpResampler(rate);
  const out = new Float32Array(Math.ceil(x.length * 16000 / rate) + 64);
  let next = 0;
  const emit = (off, s) => { assert.equal(off, next); out.set(s, off); next += s.length; };
  const gap = () => assert.fail('no gap expected');
  for (let i = 0; i < x.length; i += chunk) rs.push(x.subarray(i, Math.min(x.length, i + chunk)), emit, gap);
  rs.finish(emit, gap);
  return out.subarray(0, next);
}

const rms = (y, a = 0, b = y.length) => { let s = 0; for (let i = a; i < b; i++) s += y[i] * y[i]; return Math.sqrt(s / (b - a)); };
const db = (v) => 20 * Math.log10(v);

test('every rate: as many 16 kHz samples as the input lasts, and the same whatever the piece size', () => {
  for (const rate of RATES) {
    const x = tone(rate, 440, 0.31234);
    const y = resample(rate, x);
    assert.equal(y.length, Math.ceil(x.length * 16000 / rate), `rate ${rate}`);
    for (const chunk of [7, 127, 1000, x.length]) {
      const z = resample(rate, x, chunk);
      assert.deepEqual(Array.from(z), Array.from(y), `rate ${rate}, pieces of ${chunk}`);
    }
  }
});

test('every rate: a 1 kHz tone comes out at 1 kHz, at full level and without delay', () => {
  for (const rate of RATES) {
    const y = resample(rate, tone(rate, 1000, 1));
    // Sample k of the output is the input at time k/16000 s exactly: compare with the ideal tone.
    let err = 0, n = 0;
    for (let k = 400; k < y.length - 400; k++) { err += (y[k] - 0.5 * Math.sin(2 * Math.PI * 1000 * k / 16000)) ** 2; n++; }
    const snr = db(0.5 / Math.SQRT2 / Math.sqrt(err / n));
    assert.ok(snr > 70, `rate ${rate}: error only ${snr.toFixed(1)} dB below the tone`);
  }
});

test('every rate: speech band flat, everything above 8 kHz stopped', () => {
  for (const rate of RATES) {
    for (const f of [100, 3000, 6000]) {
      if (f >= rate / 2) continue;
      const y = resample(rate, tone(rate, f, 0.3));
      const gain = db(rms(y, 300, y.length - 300) / (0.5 / Math.SQRT2));
      assert.ok(Math.abs(gain) < 0.1, `rate ${rate}, ${f} Hz: ${gain.toFixed(2)} dB`);
    }
    for (const f of [8500, 9000, 11000, 15000, 20000, 30000]) {
      if (f >= rate / 2 * 0.98) continue;
      const y = resample(rate, tone(rate, f, 0.3));
      const gain = db(rms(y, 300, y.length - 300) / (0.5 / Math.SQRT2));
      assert.ok(gain < -70, `rate ${rate}, ${f} Hz folds back at only ${gain.toFixed(1)} dB`);
    }
  }
});

test('skipped render quanta are a gap of their exact length, and the tone stays in step after it', () => {
  for (const rate of [44100, 48000, 16000, 22050, 96000]) {
    for (const skip of [1, 3, 40, 250]) {
      const x = tone(rate, 1000, 3);
      const posts = [];
      const cap = new MpCapture(rate, (m) => posts.push(m));
      const first = 1000;  // the context's clock need not start at 0
      for (let q = 0, i = 0; i < x.length; i += 128, q++) {
        if (q >= 50 && q < 50 + skip) continue;
        cap.take([x.subarray(i, i + 128)], first + i);
      }
      cap.finish();
      const total = Math.ceil(x.length * 16000 / rate);
      const y = new Float32Array(total);
      let next = 0, gapped = 0;
      for (const m of posts) {
        if (m.pcm) { assert.equal(m.offset, next); for (let i = 0; i < m.pcm.length; i++) y[m.offset + i] = m.pcm[i] / 32767; next += m.pcm.length; }
        if (m.gap) { assert.equal(m.gap.offset, next); next += m.gap.count; gapped += m.gap.count; }
      }
      assert.equal(next, total, `rate ${rate}, skip ${skip}: the timeline keeps its length`);
      const missing = skip * 128 * 16000 / rate;
      assert.ok(Math.abs(gapped - missing) <= 1, `rate ${rate}, skip ${skip}: gap ${gapped} for ${missing.toFixed(1)}`);
      assert.equal(posts.at(-1).end, true);
      assert.ok(Math.abs(posts.at(-1).gapS - skip * 128 / rate) < 1e-9);
      // Well after the gap the samples are the tone at its true time: nothing was closed up.
      const from = Math.ceil((50 + skip) * 128 * 16000 / rate) + 200;
      let err = 0;
      for (let k = from; k < total - 200; k++) err = Math.max(err, Math.abs(y[k] - 0.5 * Math.sin(2 * Math.PI * 1000 * k / 16000)));
      assert.ok(err < 2e-3, `rate ${rate}, skip ${skip}: off by ${err}`);
    }
  }
});

test('channels are averaged to mono; blocks carry offsets and the clock', () => {
  const rate = 48000, posts = [];
  const cap = new MpCapture(rate, (m) => posts.push(m), 1024);
  const l = tone(rate, 1000, 1, 0.5), r = tone(rate, 1000, 1, 0.5, Math.PI);  // opposite phase: silence
  for (let i = 0; i < l.length; i += 128) cap.take([l.subarray(i, i + 128), r.subarray(i, i + 128)], i);
  cap.finish();
  const blocks = posts.filter((m) => m.pcm);
  assert.ok(blocks.every((m) => m.pcm.length <= 1024));
  assert.ok(blocks.every((m) => m.pcm.every((v) => Math.abs(v) <= 1)));
  assert.equal(blocks.reduce((a, m) => a + m.pcm.length, 0), 16000);
  assert.ok(Math.abs(posts.at(-1).ranS - 1) < 1e-9);
  // Quanta before the input is connected are no part of the recording; once it ran, no input is silence.
  const quiet = [];
  const cap2 = new MpCapture(44100, (m) => quiet.push(m));
  for (let f = 0; f < 12800; f += 128) cap2.take([], f);
  cap2.take([new Float32Array(128)], 12800);
  for (let f = 12928; f < 12800 + 44160; f += 128) cap2.take([], f);
  cap2.finish();
  assert.equal(quiet.filter((m) => m.pcm).reduce((a, m) => a + m.pcm.length, 0), Math.ceil(44160 * 16000 / 44100));
  assert.equal(quiet.filter((m) => m.pcm)[0].offset, 0);
  assert.equal(quiet.filter((m) => m.gap).length, 0);
});
