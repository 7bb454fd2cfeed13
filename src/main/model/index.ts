// The model module's public surface.
export { trainModel, type TrainOptions, type TrainHooks } from './train';
export { embedLibrary, embedImages, loadModelParams } from './embed';
export { initBackend, describeBackend } from './backend';
export { presetConfig, type ModelConfig, type PresetName } from './config';
