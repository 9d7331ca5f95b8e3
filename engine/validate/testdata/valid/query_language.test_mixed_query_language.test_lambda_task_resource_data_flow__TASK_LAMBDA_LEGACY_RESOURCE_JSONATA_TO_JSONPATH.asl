{
 "Comment": "TASK_LAMBDA_LEGACY_RESOURCE_JSONATA_TO_JSONPATH",
 "StartAt": "JsonataState",
 "States": {
  "JsonataState": {
   "Comment": "JSONata does not allow the Resource field to be dynamically set",
   "QueryLanguage": "JSONata",
   "Type": "Task",
   "Resource": "arn:aws:lambda:us-east-1:111111111111:function:fn-data-flow-cf000001",
   "Arguments": {
    "Payload": {
     "foo": "foo-1"
    }
   },
   "Assign": {
    "resultsVar": "{% $states.result %}"
   },
   "Output": {
    "results": "{% $states.result %}"
   },
   "Next": "JsonPathState"
  },
  "JsonPathState": {
   "QueryLanguage": "JSONPath",
   "Type": "Pass",
   "End": true
  }
 }
}