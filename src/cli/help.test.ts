import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/govdx.mjs');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

interface Leaf {
  path: string;
  args: string[];
  flags: string[];
  description: string;
}

/**
 * The commander tree of src/cli/main.ts, read from commander itself rather than from the help text:
 * a module loaded before main.ts replaces Command#parseAsync, so main.ts registers every command as
 * usual and then, instead of running one, prints each command that has no subcommands.
 */
function commandTree(): Leaf[] {
  const preload = `
    import { Command } from ${JSON.stringify(import.meta.resolve('commander'))};
    const leaves = (command, prefix) =>
      command.commands
        .filter((sub) => !sub._hidden)
        .flatMap((sub) => {
          const path = [...prefix, sub.name()];
          if (sub.commands.length > 0) return leaves(sub, path);
          return [{
            path: path.join(' '),
            args: sub.registeredArguments.map((argument) => argument.name()),
            flags: sub.options.filter((option) => !option.hidden).map((option) => option.long ?? option.short),
            description: sub.description(),
          }];
        });
    Command.prototype.parseAsync = async function () {
      process.stdout.write(JSON.stringify(leaves(this, [])));
      return this;
    };`;
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      `data:text/javascript,${encodeURIComponent(preload)}`,
      MAIN,
      '--help',
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Leaf[];
}

const govdx = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The entry of `command` in the top-level Commands: list: its synopsis and description. */
function entryOf(help: string, command: string): string | undefined {
  const lines = help.split('\n');
  const commands = lines.indexOf('Commands:');
  const escaped = command.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const start = lines.findIndex(
    (line, index) => index > commands && new RegExp(`^  ${escaped}(\\s|$)`).test(line),
  );
  if (commands < 0 || start < 0) return undefined;
  // An entry runs until the next line that starts another command (two spaces, then a word) or
  // the blank line that ends the list.
  let end = start + 1;
  while (end < lines.length && lines[end] !== '' && !/^ {2}\S/.test(lines[end] ?? '')) end++;
  return collapse(lines.slice(start, end).join('\n'));
}

/** Terminal columns: Chinese characters take two. */
const columns = (line: string) =>
  [...line].reduce((sum, char) => sum + (/[\u2e80-\ua4cf\uff00-\uff60]/.test(char) ? 2 : 1), 0);

describe('govdx --help', () => {
  const help = govdx('--help');

  it('lists the subcommands of the groups with their synopsis and description', () => {
    assert.equal(help.status, 0, help.stderr);
    const expected: Record<string, string> = {
      'user create':
        'user create --org <code> --role <role> --username <u> --password <p> [--display-name <name>] create a user with one organisation membership',
      'token create':
        'token create --org <code> --name <system name> [--expires <date>] issue an API token; the secret is printed once',
      'token revoke': 'token revoke --id <id> --reason <text> revoke an API token',
      'org list': 'org list [--json] [--region <code>] list organisations',
      'config check': 'config check validate the environment configuration and reach the database',
      'calendar add-working-days':
        'calendar add-working-days <date> <n> [--region <code>] print the date n working days after <date> (counting starts the next day)',
      serve: 'serve [--demo] serve the API, OpenAPI docs and console (migrates first)',
      migrate: 'migrate apply pending database migrations',
      demo: 'demo load the demo jurisdiction 示范市 into an empty database',
      help: 'help [command] display help for command',
    };
    for (const [command, entry] of Object.entries(expected)) {
      assert.equal(entryOf(help.stdout, command), entry, command);
    }
  });

  it('lists every command of the commander tree, with its arguments, options and description', () => {
    const leaves = commandTree();
    // The tree really is walked: groups are replaced by their subcommands.
    assert.ok(leaves.length >= 25, `only ${leaves.length} commands`);
    assert.ok(leaves.some((leaf) => leaf.path === 'ledger check-bundle'));
    assert.ok(!leaves.some((leaf) => leaf.path === 'user'));
    for (const leaf of leaves) {
      const entry = entryOf(help.stdout, leaf.path);
      assert.ok(entry, `${leaf.path} is missing from govdx --help`);
      for (const arg of leaf.args) assert.match(entry, new RegExp(`[<[]${arg}(\\.\\.\\.)?[>\\]]`));
      for (const flag of leaf.flags) assert.ok(entry.includes(flag), `${leaf.path}: ${flag}`);
      assert.ok(entry.endsWith(collapse(leaf.description)), `${leaf.path}: description`);
    }
  });

  it('stays within 100 columns and leaves the groups their own help', () => {
    for (const line of help.stdout.split('\n')) {
      assert.ok(columns(line) <= 100, `too wide: ${line}`);
    }
    const group = govdx('user', '--help');
    assert.equal(group.status, 0, group.stderr);
    assert.match(group.stdout, /^Usage: govdx user \[options\] \[command\]/);
    assert.match(group.stdout, /^ {2}create \[options\] +create a user/m);
  });
});
