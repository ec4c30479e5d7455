import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const dir = process.env.EPAPER_TEST_DEMO_DIR;
  if (dir && dir.includes('epaper-demo-db-')) fs.rmSync(dir, { recursive: true, force: true });
  const scratch = process.env.EPAPER_TEST_SCRATCH;
  if (scratch && scratch.includes('epaper-jest-scratch-')) fs.rmSync(scratch, { recursive: true, force: true });
}
