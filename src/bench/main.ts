/** `npm run bench`: prints figures and ratios; goals are checked here, never in unit tests. */
import { benchEngine } from './engine';
import { benchProbes } from './probes';
import { benchScaleOut } from './scale-out';
import { benchStore } from './store';
import { benchStoreOpen } from './store-open';
import { benchWhatIf } from './what-if';

async function main(only: string | undefined): Promise<void> {
  console.log(`virtio-matrix bench, node ${process.version}, ${new Date().toISOString()}`);
  if (!only || only === 'engine') benchEngine();
  if (!only || only === 'what-if') benchWhatIf();
  if (!only || only === 'store') await benchStore();
  if (!only || only === 'store-open') await benchStoreOpen();
  if (!only || only === 'scale-out') await benchScaleOut();
  if (!only || only === 'probes') await benchProbes();
}

main(process.argv[2]).catch((err) => {
  console.error(err);
  process.exit(1);
});
