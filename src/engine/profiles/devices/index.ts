import type { DeviceName, DeviceProfile } from '../types';
import { balloon } from './balloon';
import { blk } from './blk';
import { console } from './console';
import { crypto } from './crypto';
import { net } from './net';
import { rng } from './rng';
import { scmi } from './scmi';
import { sound } from './sound';

export const DEVICES: Record<DeviceName, DeviceProfile> = { blk, net, balloon, crypto, scmi, sound, console, rng };
