// Methods of the s3 capability are declared here by its issue.
export interface S3Api {}
