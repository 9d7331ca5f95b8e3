{
 "Comment": "RETRY_INTERVAL_FEATURES_JITTER_NONE",
 "StartAt": "LambdaTask",
 "States": {
  "LambdaTask": {
   "Type": "Task",
   "Resource": "arn:aws:lambda:us-east-1:111111111111:function:lambda_func_cf000001",
   "End": true,
   "Retry": [
    {
     "Comment": "Includes all retry langauge features with JitterStrategy NONE.",
     "ErrorEquals": [
      "States.ALL"
     ],
     "IntervalSeconds": 1,
     "MaxAttempts": 2,
     "BackoffRate": 1,
     "MaxDelaySeconds": 3,
     "JitterStrategy": "NONE"
    }
   ]
  }
 }
}