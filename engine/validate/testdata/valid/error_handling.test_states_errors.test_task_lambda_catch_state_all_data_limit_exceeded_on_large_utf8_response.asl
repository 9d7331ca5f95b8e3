{
 "Comment": "TASK_SERVICE_LAMBDA_INVOKE_CATCH_ALL",
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
  "HandleGeneralError": {
   "Type": "Pass",
   "End": true
  }
 }
}