/** Switching one source tree between strategies with the real `patch`, on a two-file tree. */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourcePatch } from '../../src/kernels/patches';
import { readTreeState, switchPatches, writeTreeState } from '../../src/kernels/tree';

const ORIGINAL = 'int a;\nint b;\nint c;\n';
function sourcePatch(file: string, text: string): SourcePatch {
  return { file, patchId: file, direction: 'apply', text, sha256: createHash('sha256').update(text).digest('hex'), touches: ['src/x.c'] };
}
const addD = sourcePatch('add-d.patch', '--- a/src/x.c\n+++ b/src/x.c\n@@ -1,3 +1,4 @@\n int a;\n int b;\n int c;\n+int d;\n');
const dropA = sourcePatch('drop-a.patch', '--- a/src/x.c\n+++ b/src/x.c\n@@ -1,3 +1,2 @@\n-int a;\n int b;\n int c;\n');
const dropAAfterD = sourcePatch('drop-a.patch', '--- a/src/x.c\n+++ b/src/x.c\n@@ -1,4 +1,3 @@\n-int a;\n int b;\n int c;\n int d;\n');

let tree: string;
beforeEach(() => {
  tree = mkdtempSync(join(tmpdir(), 'vm-tree-'));
  mkdirSync(join(tree, 'src'));
  writeFileSync(join(tree, 'src', 'x.c'), ORIGINAL);
  writeTreeState(tree, { applied: [], configKey: null, fullBuildSteps: null });
});
afterEach(() => rmSync(tree, { recursive: true, force: true }));

const source = () => readFileSync(join(tree, 'src', 'x.c'), 'utf8');
const log: string[] = [];
const record = (line: string) => log.push(line);

test('a strategy\'s patches are applied in order and recorded in the tree state', () => {
  switchPatches(tree, readTreeState(tree)!, [addD, dropAAfterD], record);
  expect(source()).toBe('int b;\nint c;\nint d;\n');
  expect(readTreeState(tree)!.applied.map((a) => a.file)).toEqual(['add-d.patch', 'drop-a.patch']);
});

test('switching keeps the common prefix, reverses the rest newest first, and back to none restores the release', () => {
  switchPatches(tree, readTreeState(tree)!, [addD, dropAAfterD], record);
  log.length = 0;
  switchPatches(tree, readTreeState(tree)!, [addD], record);
  expect(log).toEqual(['reversing drop-a.patch']);
  expect(source()).toBe('int a;\nint b;\nint c;\nint d;\n');
  switchPatches(tree, readTreeState(tree)!, [dropA], record);
  expect(source()).toBe('int b;\nint c;\n');
  switchPatches(tree, readTreeState(tree)!, [], record);
  expect(source()).toBe(ORIGINAL);
  expect(readTreeState(tree)!.applied).toEqual([]);
});

test('a patch that does not apply fails loudly and leaves the state at what is really applied', () => {
  switchPatches(tree, readTreeState(tree)!, [dropA], record);
  expect(() => switchPatches(tree, readTreeState(tree)!, [dropA, dropA], record)).toThrow(/patch .* failed in .*delete the tree to start clean/);
  expect(readTreeState(tree)!.applied.map((a) => a.file)).toEqual(['drop-a.patch']);
});
