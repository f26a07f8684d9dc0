// Prints the README's settings table from the one list of settings, so the two cannot drift.
// `node scripts/settings-table.ts` prints it; a test checks that the README holds exactly this.
import { settingsTable } from '../packages/server/src/config/settings-table.ts';

console.log(settingsTable());
