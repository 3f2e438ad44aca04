// Methods of the lake capability are declared here by its issue.
export interface LakeApi {}
