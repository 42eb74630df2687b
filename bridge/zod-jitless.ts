/**
 * zod without `new Function`: its JIT compiles a parser per object schema at that schema's first
 * synchronous parse — worth it for a schema parsed thousands of times, a loss for a bridge that parses
 * each broker answer a few times per call and starts often (each compile costs more than the parses it
 * speeds up). Also keeps eval-like code generation out of the process. zod reads the flag when an
 * object schema is BUILT, so this module is the engine's first import (fast-start/engine.ts).
 */
import { z } from 'zod';

z.config({ jitless: true });
