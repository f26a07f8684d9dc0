// CI calls this before the tests: a service whose URL is set but which does not answer is a
// failure here, with a clear line, rather than a pile of failing tests later.
import pg from 'pg';

const url = process.env.NATTER_TEST_POSTGRES_URL;
if (url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    console.log(`PostgreSQL ${rows[0]?.v ?? '?'} answers`);
  } catch (error) {
    console.error(`PostgreSQL at NATTER_TEST_POSTGRES_URL does not answer: ${(error as Error).message}`);
    process.exit(1);
  } finally {
    await client.end().catch(() => undefined);
  }
}
