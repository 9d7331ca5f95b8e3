{
 "StartAt": "pass",
 "States": {
  "pass": {
   "Type": "Pass",
   "Parameters": {
    "value.$": "$.no_such_jsonpath"
   },
   "End": true
  }
 }
}