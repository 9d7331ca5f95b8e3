{
 "Comment": "LAMBDA_INVOKE_WITH_RETRY_BASE_EXTENDED_INPUT",
 "StartAt": "InvokeLambdaWithRetry",
 "States": {
  "InvokeLambdaWithRetry": {
   "Type": "Task",
   "Resource": "arn:aws:lambda:us-east-1:111111111111:function:lambda_1_func_cf000001",
   "Parameters": {
    "ThisContextObject.$": "$$",
    "ThisState.$": "$"
   },
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
   "ResultPath": "$.state_output",
   "ResultSelector": {
    "FinalRetryCount.$": "$$.State.RetryCount"
   },
   "End": true
  },
  "HandleError": {
   "Type": "Pass",
   "End": true
  }
 }
}