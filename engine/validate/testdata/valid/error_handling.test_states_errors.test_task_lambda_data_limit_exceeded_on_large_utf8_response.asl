{
 "Comment": "TASK_SERVICE_LAMBDA_INVOKE_CATCH_DATA_LIMIT_EXCEEDED",
 "StartAt": "InvokeLambda",
 "States": {
  "InvokeLambda": {
   "Type": "Task",
   "Resource": "arn:aws:lambda:us-east-1:111111111111:function:lambda_func_cf000001",
   "Parameters": {
    "FunctionName.$": "$.FunctionName",
    "Payload.$": "$.Payload"
   },
   "Next": "ProcessResult",
   "Catch": [
    {
     "ErrorEquals": [
      "States.DataLimitExceeded"
     ],
     "Next": "HandleDataLimitExceeded"
    },
    {
     "ErrorEquals": [
      "States.ALL"
     ],
     "Next": "HandleGeneralError"
    }
   ]
  },
  "ProcessResult": {
   "Type": "Pass",
   "End": true
  },
  "HandleDataLimitExceeded": {
   "Type": "Pass",
   "End": true
  },
  "HandleGeneralError": {
   "Type": "Pass",
   "End": true
  }
 }
}