{
 "Comment": "LAMBDA_INVOKE_RESOURCE",
 "StartAt": "step1",
 "States": {
  "step1": {
   "Type": "Task",
   "Resource": "arn:aws:lambda:us-east-1:111111111111:function:lambda_1_func_cf000001",
   "End": true
  }
 }
}