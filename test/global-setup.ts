/**
 * Builds the report's browser app once per test run (esbuild, well under a second), so that tests
 * rendering report.html never inline a stale bundle.
 */
export default async function setup(): Promise<void> {
  // @ts-expect-error: a plain ES module script without types
  const { buildWebapp } = (await import('../scripts/build-webapp.mjs')) as {
    buildWebapp: () => Promise<unknown>;
  };
  await buildWebapp();
}
