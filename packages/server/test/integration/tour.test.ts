import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { it } from 'node:test';
import { promisify } from 'node:util';
import { onEveryEngine } from '../helpers/suite.ts';

const run = promisify(execFile);

// The README sends people to this script; it must keep working as the API grows.
onEveryEngine('the README tour', { NATTER_PUBLIC_URL: 'http://127.0.0.1' }, (server) => {
  it('runs from start to finish against a real server', async () => {
    const script = new URL('../../../client/examples/tour.ts', import.meta.url).pathname;
    const { stdout } = await run(process.execPath, [script, server().url], { timeout: 30_000 });
    assert.match(stdout, /bob hears #\d+: hello from ada/);
    assert.match(stdout, /the retry was a duplicate: true/);
    assert.match(stdout, /bob replied #\d+ to "hello from ada"/);
    assert.match(stdout, /bob resumed and caught up on: are you there\? \/ see you tomorrow$/m);
  });
});
