export {
  canonicalAssignment,
  contiguousQueryPermutation,
  type GroupLayout,
  groupSizes,
  identityAssignment,
  meanPoolAssignment,
  validateAssignment,
} from './assignment';
export {
  type ConversionMethod,
  type ConvertedAttention,
  type ConvertOptions,
  convertAttention,
  type HeadWeights,
  uniformHeadWeights,
} from './convert-attention';
export { permuteHeadColumns, permuteHeadRows, poolHeadRows } from './head-rows';
export {
  type ConvertedLayerInfo,
  convertStateDict,
  type StateDictConversion,
  type StateDictConversionOptions,
} from './state-dict';
