{
 "Comment": "LAMBDA_INPUT_PARAMETERS_FILTER",
 "StartAt": "StartCheckLoop",
 "States": {
  "StartCheckLoop": {
   "Type": "Pass",
   "Result": {
    "count": 0
   },
   "ResultPath": "$.loop",
   "Next": "CheckComplete"
  },
  "CheckComplete": {
   "Type": "Task",
   "Resource": "arn:aws:lambda:us-east-1:111111111111:function:lambda_func_cf000001",
   "Parameters": {
    "loop.$": "$.loop"
   },
   "ResultPath": "$.result",
   "End": true
  }
 }
}