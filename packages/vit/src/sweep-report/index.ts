/** The sweep's statistics and report (what the sweep engine hands its finished cells to). */
export * from './sweep-csv';
export * from './sweep-html';
export * from './sweep-row';
export * from './sweep-stats';
export * from './sweep-tables';
export * from './write-sweep-report';
