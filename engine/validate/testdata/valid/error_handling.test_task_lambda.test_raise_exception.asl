{
 "Comment": "AWS_SDK_TASK_LAMBDA_CATCH_UNKNOWN",
 "StartAt": "Start",
 "States": {
  "Start": {
   "Type": "Task",
   "Resource": "arn:aws:lambda:us-east-1:111111111111:function:lambda_func_cf000001",
   "Parameters": {
    "FunctionName.$": "$.FunctionName",
    "Payload.$": "$.Payload"
   },
   "Catch": [
    {
     "ErrorEquals": [
      "Lambda.Unknown"
     ],
     "Next": "EndWithHandler"
    }
   ],
   "Next": "EndWithFinal"
  },
  "EndWithHandler": {
   "Type": "Pass",
   "ResultPath": "$.error",
   "End": true
  },
  "EndWithFinal": {
   "Type": "Pass",
   "ResultPath": "$.final",
   "End": true
  }
 }
}