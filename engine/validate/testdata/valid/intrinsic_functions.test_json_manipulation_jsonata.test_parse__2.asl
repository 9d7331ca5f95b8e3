{
 "StartAt": "State_0",
 "States": {
  "State_0": {
   "QueryLanguage": "JSONata",
   "Type": "Pass",
   "Output": "{% $parse($states.input.FunctionInput) %}",
   "End": true
  }
 }
}