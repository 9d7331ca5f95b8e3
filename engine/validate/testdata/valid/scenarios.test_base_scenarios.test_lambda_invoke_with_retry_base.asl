{
 "Comment": "LAMBDA_INVOKE_WITH_RETRY_BASE",
 "StartAt": "InvokeLambdaWithRetry",
 "States": {
  "InvokeLambdaWithRetry": {
   "Type": "Task",
   "Resource": "arn:aws:lambda:us-east-1:111111111111:function:lambda_1_func_cf000001",
   "Retry": [
    {
     "ErrorEquals": [
      "States.ALL"
     ],
     "MaxAttempts": 3
    }
   ],
   "Catch": [
    {
     "ErrorEquals": [
      "States.ALL"
     ],
     "Next": "HandleError"
    }
   ],
   "End": true,
   "ResultSelector": {
    "Retries.$": "$$.State.RetryCount"
   }
  },
  "HandleError": {
   "Type": "Pass",
   "End": true
  }
 }
}