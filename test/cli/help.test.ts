import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/meridian.mjs');

const walk = (command: Command, path: string[] = []): Array<{ path: string[]; command: Command }> =>
  command.commands.filter((sub) => sub.name() !== 'help').flatMap((sub) => [{ path: [...path, sub.name()], command: sub }, ...walk(sub, [...path, sub.name()])]);

describe('meridian --help', () => {
  const commands = walk(buildProgram());

  it('describes every command, offers --json on every command that does something, and marks required options', () => {
    expect(commands.length).toBeGreaterThan(20);
    for (const { path, command } of commands) {
      expect(command.description(), `meridian ${path.join(' ')} has no description`).toMatch(/\w{3}/);
      if (command.commands.length > 0) continue; // a group: its subcommands act
      expect(command.options.map((option) => option.long), `meridian ${path.join(' ')} has no --json`).toContain('--json');
      const help = command.helpInformation();
      for (const option of command.options.filter((o) => o.mandatory)) expect(help, `meridian ${path.join(' ')}: ${option.long}`).toMatch(new RegExp(`${option.long}[^\\n]*\\(required\\)`));
    }
  });

  it('prints help from the real binary, for the program and a subcommand', async () => {
    const top = await run(process.execPath, [BIN, '--help']);
    expect(top.stdout).toMatch(/Usage: meridian/);
    expect(top.stdout).toMatch(/token \[options\]\s+Print an access token/);
    const create = await run(process.execPath, [BIN, 'app', 'create', '--help']);
    expect(create.stdout).toMatch(/--tenant <tenant>\s+tenant id or name \(required\)/);
    expect(create.stdout).toMatch(/--certificate <file> +a certificate file \(.cer DER or PEM\) to upload$/m);
  });
});
