/** Statistics over seeds: Student t, mean intervals, paired comparisons, and how the reports write them. */
export * from './format';
export * from './intervals';
export * from './student-t';
