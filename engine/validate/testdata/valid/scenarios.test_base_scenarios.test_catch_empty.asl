{
 "Comment": "CATCH_EMPTY",
 "StartAt": "StartTask",
 "States": {
  "StartTask": {
   "Type": "Task",
   "Resource": "arn:aws:lambda:us-east-1:111111111111:function:lambda_func_cf000001",
   "Catch": [],
   "Next": "Final"
  },
  "Final": {
   "Type": "Pass",
   "End": true
  }
 }
}