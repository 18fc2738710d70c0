/**
 * `@ebm/cli`: the `ebm` command line (train, sample, eval, plot, list) and the pieces it is made
 * of, for scripts that want the same run folders, config schema and pictures.
 */
export { main, buildProgram, FLAG_HELP } from './program.js';
export {
  type TrainConfig,
  type TrainConfigInput,
  ConfigError,
  DATASET_NAMES,
  OBJECTIVE_NAMES,
  OPTIMIZER_NAMES,
  SAMPLER_NAMES,
  LR_SCHEDULES,
  trainConfigSchema,
  validateConfig,
  flagOf,
} from './config.js';
export { type Io, defaultIo } from './io.js';
export { CommandError, DivergedError, EXIT_CODES, InterruptedError } from './failures.js';
export { RunFolder, RUN_FILES, type FolderContents, type MetricsLine, type MetricsRead, type RunPicture, type Summary } from './run-folder.js';
export { type Points, densitySpec, lossSpec, renderPng } from './plots.js';
export { type ConfigKeys, type ConfigValues, type Recipe, type Registry, type RegistryKeys, type UnionToIntersection } from './recipe.js';
export {
  FLOW_KINDS,
  OBJECTIVES,
  type FlowConfig,
  type ObjectiveConfig,
  type ObjectiveContext,
  type ObjectiveName,
  type ObjectiveRecipe,
  buildFlow,
  buildObjective,
} from './objectives.js';
export { SAMPLERS, type SamplerConfig, type SamplerName, type SamplerRecipe, buildSampler } from './samplers.js';
export { type Session, openSession, buildOptimizer } from './session.js';
export { evaluateNll } from './evaluation.js';
export { type Cell, formatTable } from './table.js';
export { CONDITIONAL_OBJECTIVES, type ConditionalObjectiveName, type ConditionalObjectiveRecipe } from './conditional-recipes.js';
export { type ConditionalSession, openConditionalSession } from './conditional-session.js';
export { type ConditionalSummary, evaluateConditionalRun } from './conditional-evaluation.js';
export { type TrainingRun, openTrainingRun } from './training-run.js';
