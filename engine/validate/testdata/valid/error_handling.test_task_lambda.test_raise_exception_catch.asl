{
 "Comment": "TASK_LAMBDA_CATCH_RELEVANT",
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
     "Next": "EndWithLambdaUnknownHandler"
    },
    {
     "ErrorEquals": [
      "States.TaskFailed"
     ],
     "Next": "EndWithStateTaskFailedHandler"
    },
    {
     "ErrorEquals": [
      "States.ALL"
     ],
     "Next": "EndWithAllHandler"
    }
   ],
   "Next": "EndWithFinal"
  },
  "EndWithLambdaUnknownHandler": {
   "Type": "Pass",
   "ResultPath": "$.lambda_unknown",
   "End": true
  },
  "EndWithStateTaskFailedHandler": {
   "Type": "Pass",
   "ResultPath": "$.task_failed_error",
   "End": true
  },
  "EndWithAllHandler": {
   "Type": "Pass",
   "ResultPath": "$.all_error",
   "End": true
  },
  "EndWithFinal": {
   "Type": "Pass",
   "ResultPath": "$.final",
   "End": true
  }
 }
}