import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { relaunchArguments, serverV8Flags } from '../src/server-flags.ts';

const argv = ['/usr/bin/node', '/opt/natter/bin/natter.js', 'serve', '--port', '8080'];

describe('relaunchArguments', () => {
  it('adds the server flags before the inherited flags, the script and its arguments', () => {
    assert.deepEqual(relaunchArguments(argv, ['--cpu-prof'], undefined), [
      ...serverV8Flags,
      '--cpu-prof',
      '/opt/natter/bin/natter.js',
      'serve',
      '--port',
      '8080',
    ]);
  });

  it('does nothing once the process runs with them', () => {
    assert.equal(relaunchArguments(argv, [...serverV8Flags], undefined), undefined);
  });

  it("leaves the operator's own value alone, from the command line or NODE_OPTIONS, in any spelling V8 reads", () => {
    for (const execArgv of [
      ['--max-semi-space-size=64'],
      ['--max_semi_space_size=64'],
      ['--max-semi-space-size', '64'],
    ]) {
      assert.equal(relaunchArguments(argv, execArgv, undefined), undefined, execArgv.join(' '));
    }
    assert.equal(relaunchArguments(argv, [], '--enable-source-maps  --max-semi-space-size=64'), undefined);
  });

  it('is not fooled by a command argument that looks like the flag', () => {
    const withArg = [...argv, '--max-semi-space-size=1'];
    assert.deepEqual(relaunchArguments(withArg, [], ''), [...serverV8Flags, ...withArg.slice(1)]);
  });
});
