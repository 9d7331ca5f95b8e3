{
 "StartAt": "T",
 "States": {
  "T": {
   "Type": "Task",
   "Resource": "arn:aws:states:::lambda:invoke",
   "Retry": [
    {
     "ErrorEquals": [
      "X"
     ],
     "MaxAttempts": -1,
     "BackoffRate": 0.5,
     "MaxDelaySeconds": 0,
     "JitterStrategy": "SOME",
     "Foo": 1
    }
   ],
   "End": true
  }
 }
}