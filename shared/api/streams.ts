// Methods of the streams capability are declared here by its issue.
export interface StreamsApi {}
