/**
 * Kernel versions worth walking: mainline tags around each patch, the -rc that matter, and the
 * stable releases the fact sheet names with the release before each backport.
 */
export const NOTABLE_KERNELS = [
  '4.10', '4.11', '4.14', '4.14.251', '4.14.252', '4.19', '4.19.212', '4.19.213', '4.19.234', '4.19.235',
  '5.4', '5.4.154', '5.4.155', '5.4.184', '5.4.185', '5.10', '5.10.74', '5.10.75', '5.10.105', '5.10.106',
  '5.13', '5.14-rc6', '5.14-rc7', '5.14', '5.14.13', '5.14.14', '5.15-rc5', '5.15-rc6', '5.15', '5.15.28', '5.15.29',
  '5.16', '5.16.14', '5.16.15', '5.17-rc7', '5.17', '5.19', '6.1', '6.6', '6.12',
] as const;
