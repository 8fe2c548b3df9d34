export * from './backward';
export * from './creation';
export * from './functional';
export * from './grad-mode';
export * from './gradcheck';
export * from './ops';
export * from './primitive';
export * from './tensor';
