{
 "Comment": "TASK_LAMBDA_LEGACY_RESOURCE_JSONPATH_TO_JSONATA",
 "StartAt": "JsonPathState",
 "States": {
  "JsonPathState": {
   "QueryLanguage": "JSONPath",
   "Type": "Task",
   "Resource": "arn:aws:lambda:us-east-1:111111111111:function:fn-data-flow-cf000001",
   "Parameters": {
    "Payload": {
     "foo": "foo-1"
    }
   },
   "Assign": {
    "resultsVar.$": "$"
   },
   "OutputPath": "$",
   "Next": "JsonataState"
  },
  "JsonataState": {
   "QueryLanguage": "JSONata",
   "Type": "Pass",
   "End": true
  }
 }
}