export * from './attention';
export * from './head-map';
export * from './weights';
