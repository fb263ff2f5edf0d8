/** The Web Worker entry of the browser pool (its own bundle input). */
import { expose } from 'comlink';
import { compileWorkerApi } from './comlink-worker-api.js';

expose(compileWorkerApi);
