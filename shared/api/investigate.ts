// Methods of the investigate capability are declared here by its issue.
export interface InvestigateApi {}
