import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readAllStdin, readHiddenLine } from '../../src/admin/prompt.js';

function fakeTerminal() {
  const input = Object.assign(new PassThrough(), { isTTY: true, rawMode: false, setRawMode(mode: boolean) { this.rawMode = mode; return this; } });
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
  return { input, output, shown: () => shown };
}

describe('admin password prompt', () => {
  it('when a password is typed at the terminal, then it is read in raw mode and never echoed', async () => {
    const terminal = fakeTerminal();
    const answer = readHiddenLine('Password: ', terminal.input, terminal.output);
    expect(terminal.input.rawMode).toBe(true);
    terminal.input.write('secret-pasx\u007fsword\r');
    expect(await answer).toBe('secret-password');
    expect(terminal.input.rawMode).toBe(false);
    expect(terminal.shown()).toBe('Password: \n');
  });

  it('when Ctrl-C is pressed, then the prompt is cancelled', async () => {
    const terminal = fakeTerminal();
    const answer = readHiddenLine('Password: ', terminal.input, terminal.output);
    terminal.input.write('abc\u0003');
    await expect(answer).rejects.toThrow('Cancelled.');
  });

  it('when there is no terminal, then it asks for --password-stdin instead', async () => {
    const input = new PassThrough();
    await expect(readHiddenLine('Password: ', input, new PassThrough())).rejects.toThrow('--password-stdin');
  });

  it('when a password is piped, then one trailing line ending is dropped and the rest kept', async () => {
    const input = new PassThrough();
    input.end(' spaced password \r\n');
    expect(await readAllStdin(input)).toBe(' spaced password ');
  });
});
