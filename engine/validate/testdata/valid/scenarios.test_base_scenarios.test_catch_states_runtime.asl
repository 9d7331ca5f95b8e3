{
 "Comment": "CATCH_STATE_RUNTIME",
 "StartAt": "RaiseRuntime",
 "States": {
  "RaiseRuntime": {
   "Type": "Task",
   "Resource": "arn:aws:lambda:us-east-1:111111111111:function:lambda_func_cf000001",
   "OutputPath": "$.no.such.result.path",
   "Catch": [
    {
     "ErrorEquals": [
      "States.Runtime"
     ],
     "Next": "CaughtRuntime"
    }
   ],
   "Next": "Final"
  },
  "CaughtRuntime": {
   "Type": "Pass",
   "End": true
  },
  "Final": {
   "Type": "Pass",
   "End": true
  }
 }
}