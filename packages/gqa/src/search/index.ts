export {
  type AsymGqaOptions,
  type AsymGqaResult,
  agglomerativeGrouping,
  asymGqaGrouping,
  keyActivationSimilarity,
} from './asymgqa';
export { groupCrossover, mutateAssignment, randomAssignment } from './grouping-operators';
export {
  type CrowdedRanking,
  crowdedBetter,
  crowdedRanking,
  crowdingDistance,
  dominates,
  nonDominatedSort,
  type Objectives,
  selectSurvivors,
} from './nsga2';
export {
  paretoFront,
  type QcqaCandidate,
  type QcqaLayerResult,
  type QcqaOptions,
  qcqaSearchGram,
  qcqaSearchLayer,
} from './qcqa';
export { type ModelChoice, type QcqaModelResult, qcqaAcrossLayers, qcqaSearchModel } from './qcqa-layers';
export { countGroups, type HeadGram, headGram, kvCacheFraction, weightSharingError } from './sharing-error';
