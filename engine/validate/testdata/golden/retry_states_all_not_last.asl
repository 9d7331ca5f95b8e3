{
 "StartAt": "T",
 "States": {
  "T": {
   "Type": "Task",
   "Resource": "arn:aws:states:::lambda:invoke",
   "Retry": [
    {
     "ErrorEquals": [
      "States.ALL"
     ]
    },
    {
     "ErrorEquals": [
      "X"
     ]
    }
   ],
   "End": true
  }
 }
}