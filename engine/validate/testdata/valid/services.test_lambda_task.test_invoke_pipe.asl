{
 "Comment": "LAMBDA_INVOKE_PIPE",
 "StartAt": "step1",
 "States": {
  "step1": {
   "Type": "Task",
   "Resource": "arn:aws:lambda:us-east-1:111111111111:function:lambda_1_func_cf000001",
   "Next": "step2"
  },
  "step2": {
   "Type": "Task",
   "Resource": "arn:aws:lambda:us-east-1:111111111111:function:lambda_2_func_cf000002",
   "ResultPath": "$.Return",
   "End": true
  }
 }
}