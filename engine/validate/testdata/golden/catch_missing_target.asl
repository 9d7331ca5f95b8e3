{
 "StartAt": "T",
 "States": {
  "T": {
   "Type": "Task",
   "Resource": "arn:aws:states:::lambda:invoke",
   "Catch": [
    {
     "ErrorEquals": [
      "States.ALL"
     ],
     "Next": "Z"
    }
   ],
   "End": true
  }
 }
}