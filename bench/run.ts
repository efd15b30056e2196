// `npm run bench`: runs the benchmark sections and prints their tables. Each area adds a
// section to SECTIONS; `npm run bench -- --only vault` runs one, other flags go to sections.
import { parseArgs } from 'node:util';
import { browseSection } from './browse-bench';
import { cloudSection } from './cloud-bench';
import { devicesSection } from './devices-bench';
import { intakeSection } from './intake-bench';
import { intakeLoopSection } from './intake-loop-bench';
import { vaultSection } from './vault-bench';

export interface BenchSection {
  name: string;
  summary: string;
  run(args: string[]): Promise<void>;
}

const SECTIONS: BenchSection[] = [vaultSection, cloudSection, intakeSection, intakeLoopSection, devicesSection, browseSection];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const { values } = parseArgs({ args: argv, options: { only: { type: 'string' } }, strict: false, allowPositionals: true });
  const only = typeof values.only === 'string' ? values.only.split(',') : null;
  const rest = argv.filter((a, i) => a !== '--only' && argv[i - 1] !== '--only' && !a.startsWith('--only='));
  for (const s of SECTIONS) {
    if (only && !only.includes(s.name)) continue;
    console.log(`\n=== ${s.name}: ${s.summary} ===`);
    await s.run(rest);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
