{
 "QueryLanguage": "JSONPath",
 "StartAt": "StartState",
 "States": {
  "StartState": {
   "QueryLanguage": "JSONata",
   "Type": "Pass",
   "End": true
  }
 }
}