/** `npm run bench`: prints figures and ratios; goals are checked here, never in unit tests. */
import { benchEngine } from './engine';

const only = process.argv[2];
console.log(`virtio-matrix bench, node ${process.version}, ${new Date().toISOString()}`);
if (!only || only === 'engine') benchEngine();
