import type { Readable, Writable } from 'node:stream';
import { ValidationError } from '../lib/errors.js';

/** All of standard input, minus the one line ending `echo` or a here-string adds. */
export async function readAllStdin(input: Readable = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

type TtyInput = Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };

/** Reads one line from a terminal without echoing it. */
export function readHiddenLine(prompt: string, input: TtyInput = process.stdin, output: Writable = process.stderr): Promise<string> {
  if (!input.isTTY || !input.setRawMode) {
    return Promise.reject(new ValidationError('There is no terminal to type the password in: pipe it with --password-stdin.'));
  }
  const setRawMode = input.setRawMode.bind(input);
  output.write(prompt);
  setRawMode(true);
  input.resume();
  input.setEncoding('utf8');
  return new Promise((done, fail) => {
    let typed = '';
    const finish = (error?: Error) => {
      setRawMode(false);
      input.pause();
      input.off('data', onData);
      output.write('\n');
      if (error) fail(error);
      else done(typed);
    };
    const onData = (text: string) => {
      for (const char of text) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(new ValidationError('Cancelled.'));
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        else if (char >= ' ') typed += char;
      }
    };
    input.on('data', onData);
  });
}

export async function readSecret(prompt: string, options: { fromStdin: boolean; confirm: boolean }): Promise<string> {
  if (options.fromStdin) return readAllStdin();
  const secret = await readHiddenLine(`${prompt}: `);
  if (options.confirm && (await readHiddenLine(`${prompt} (again): `)) !== secret) {
    throw new ValidationError('The two passwords are not the same.');
  }
  return secret;
}
