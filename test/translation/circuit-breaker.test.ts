import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/translation/circuit-breaker.js';
import { memoryLogger } from '../support/app.js';

function breaker() {
  const clock = { now: 0 };
  const { logger, lines } = memoryLogger('debug');
  const circuit = new CircuitBreaker({ name: 'DeepL', logger, failureThreshold: 3, cooldownMs: 1_000, now: () => clock.now });
  return { circuit, clock, lines };
}

describe('circuit breaker', () => {
  it('when failures are fewer than the threshold, then calls still go out', () => {
    const { circuit } = breaker();
    circuit.recordFailure(new Error('500'));
    circuit.recordFailure(new Error('500'));

    expect(circuit.allowRequest()).toBe(true);
    expect(circuit.state).toBe('closed');
  });

  it('when a success comes between failures, then the count starts again', () => {
    const { circuit } = breaker();
    circuit.recordFailure(new Error('500'));
    circuit.recordFailure(new Error('500'));
    circuit.recordSuccess();
    circuit.recordFailure(new Error('500'));

    expect(circuit.state).toBe('closed');
  });

  it('when failures reach the threshold, then it opens and logs one line however many failures follow', () => {
    const { circuit, lines } = breaker();
    for (let i = 0; i < 10; i++) circuit.recordFailure(new Error('quota exceeded'));

    expect(circuit.allowRequest()).toBe(false);
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toContain('quota exceeded');
  });

  it('when the cooldown has passed, then exactly one trial call goes out', () => {
    const { circuit, clock } = breaker();
    for (let i = 0; i < 3; i++) circuit.recordFailure(new Error('500'));
    clock.now += 1_000;

    expect(circuit.state).toBe('half-open');
    expect(circuit.allowRequest()).toBe(true);
    expect(circuit.allowRequest()).toBe(false);
  });

  it('when the trial fails, then it stays open for another cooldown', () => {
    const { circuit, clock, lines } = breaker();
    for (let i = 0; i < 3; i++) circuit.recordFailure(new Error('500'));
    clock.now += 1_000;
    circuit.allowRequest();
    circuit.recordFailure(new Error('500'));

    expect(circuit.allowRequest()).toBe(false);
    clock.now += 1_000;
    expect(circuit.allowRequest()).toBe(true);
    expect(lines()).toHaveLength(1);
  });

  it('when the trial succeeds, then it closes and logs that once', () => {
    const { circuit, clock, lines } = breaker();
    for (let i = 0; i < 3; i++) circuit.recordFailure(new Error('500'));
    clock.now += 1_000;
    circuit.allowRequest();
    circuit.recordSuccess();
    circuit.recordSuccess();

    expect(circuit.state).toBe('closed');
    expect(lines().filter((line) => line.includes('circuit closed'))).toHaveLength(1);
  });
});
