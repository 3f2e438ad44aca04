// Methods of the scoring capability are declared here by its issue.
export interface ScoringApi {}
